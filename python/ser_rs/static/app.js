// The page of `ser-rs serve`: an upload goes to POST /predict; the microphone streams float32
// chunks over the WebSocket /stream and each hop's result grows the timeline.
"use strict";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
// About 0.1 s of audio a message: small enough to stay live, large enough to keep messages few.
const CHUNK_SECONDS = 0.1;

let classes = [];
let recording = null;

const $ = (id) => document.getElementById(id);
const colour = (label) => PALETTE[Math.max(0, classes.indexOf(label)) % PALETTE.length];

function showError(message) {
  $("error").textContent = message || "";
}

function showResult(result) {
  const emotion = $("emotion");
  emotion.textContent = result.emotion;
  emotion.dataset.state = "result";
  $("probability").textContent = `${(100 * result.probability).toFixed(0)} %`;
  drawBars(result.probabilities);
}

function drawBars(probabilities) {
  const bars = $("bars");
  bars.replaceChildren();
  for (const [label, p] of Object.entries(probabilities)) {
    const row = document.createElement("div");
    row.className = "bar";
    row.dataset.label = label;
    const name = document.createElement("span");
    name.textContent = label;
    const track = document.createElement("div");
    track.className = "track";
    const fill = document.createElement("div");
    fill.className = "fill";
    fill.style.width = `${(100 * p).toFixed(1)}%`;
    fill.style.background = colour(label);
    track.append(fill);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = p.toFixed(2);
    row.append(name, track, value);
    bars.append(row);
  }
}

function drawLegend() {
  const legend = $("legend");
  legend.replaceChildren();
  for (const label of classes) {
    const item = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colour(label);
    item.append(swatch, label);
    legend.append(item);
  }
}

function addToTimeline(result) {
  const hop = document.createElement("span");
  hop.className = result.warm === false ? "hop cold" : "hop";
  hop.style.background = colour(result.emotion);
  hop.dataset.emotion = result.emotion;
  hop.title = `${result.time.toFixed(1)} s: ${result.emotion} (${(100 * result.probability).toFixed(0)} %)`;
  $("timeline").append(hop);
}

async function loadHealth() {
  try {
    const health = await (await fetch("/health")).json();
    classes = health.classes;
    $("model").textContent = `Model “${health.model}”: ${classes.join(", ")}`;
    drawLegend();
  } catch (err) {
    $("model").textContent = "the server does not answer";
  }
}

async function upload(event) {
  event.preventDefault();
  const file = $("file").files[0];
  if (!file) {
    showError("choose an audio file first");
    return;
  }
  const form = new FormData();
  form.append("file", file);
  $("upload").disabled = true;
  $("emotion").dataset.state = "waiting";
  showError("");
  try {
    const response = await fetch("/predict", { method: "POST", body: form });
    const body = await response.json();
    if (!response.ok) {
      showError(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail));
      $("emotion").dataset.state = "error";
      return;
    }
    showResult(body);
  } catch (err) {
    showError(`the upload failed: ${err}`);
  } finally {
    $("upload").disabled = false;
  }
}

async function startRecording() {
  if (!window.isSecureContext || !navigator.mediaDevices) {
    showError("the browser allows the microphone on https or http://127.0.0.1 only");
    return;
  }
  showError("");
  const media = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false } });
  const context = new AudioContext();
  await context.audioWorklet.addModule("/static/capture-worklet.js");
  const source = context.createMediaStreamSource(media);
  const capture = new AudioWorkletNode(context, "capture");
  const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/stream`);
  socket.binaryType = "arraybuffer";
  recording = { media, context, socket };
  $("timeline").replaceChildren();
  $("record").textContent = "Stop";

  const pending = [];
  let pendingLength = 0;
  const chunkLength = Math.round(CHUNK_SECONDS * context.sampleRate);
  capture.port.onmessage = (event) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    pending.push(event.data);
    pendingLength += event.data.length;
    if (pendingLength < chunkLength) return;
    const chunk = new Float32Array(pendingLength);
    let offset = 0;
    for (const block of pending.splice(0)) {
      chunk.set(block, offset);
      offset += block.length;
    }
    pendingLength = 0;
    socket.send(chunk.buffer);
  };
  socket.onopen = () => {
    socket.send(JSON.stringify({ sample_rate: context.sampleRate, format: "f32le" }));
    $("stream-status").textContent = `streaming at ${context.sampleRate} Hz`;
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.ready) return;
    showResult(message);
    addToTimeline(message);
  };
  socket.onclose = (event) => {
    if (event.code !== 1000 && event.reason) showError(event.reason);
    $("stream-status").textContent = "stopped";
    stopRecording();
  };
  source.connect(capture);
}

function stopRecording() {
  if (!recording) return;
  const { media, context, socket } = recording;
  recording = null;
  media.getTracks().forEach((track) => track.stop());
  context.close();
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ end: true }));
  $("record").textContent = "Start recording";
}

function toggleRecording() {
  if (recording) {
    stopRecording();
  } else {
    startRecording().catch((err) => {
      showError(`the microphone could not be opened: ${err.message || err}`);
      stopRecording();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("upload-form").addEventListener("submit", upload);
  $("record").addEventListener("click", toggleRecording);
  loadHealth();
});
