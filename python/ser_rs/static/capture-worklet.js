// Runs on the audio thread: hands each block of microphone samples (mono, float32) to the page.
class CaptureProcessor extends AudioWorkletProcessor {
  process(inputs) {
    const channels = inputs[0];
    if (channels && channels.length > 0) {
      this.port.postMessage(channels[0].slice(0));
    }
    return true;
  }
}
registerProcessor("capture", CaptureProcessor);
