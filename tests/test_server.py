"""ser_rs.server and `ser-rs serve`: uploads are predicted as the Recognizer predicts them, the
page and its assets are served from the package, a WebSocket stream answers once a hop, and every
kind of bad input gets a 4xx or a clean close that says what was wrong while the server keeps
serving the next client."""

from __future__ import annotations

import io
import json
import sys
import threading

import numpy as np
import pytest

pytest.importorskip("fastapi", reason='the server tests need pip install "ser_rs[serve]" httpx')
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

import soundfile as sf  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

import ser_rs  # noqa: E402
from ser_rs import cli  # noqa: E402
from ser_rs.inference import load_model  # noqa: E402
from ser_rs.server import create_app  # noqa: E402
from ser_rs.streaming import DEFAULT_WINDOW, StreamingRecognizer  # noqa: E402

RATE = 16000
CAP = 64 * 1024  # bytes: small, so that an over-cap upload is cheap to make


@pytest.fixture(scope="module")
def recognizer(tiny_model_dir):
    return load_model(tiny_model_dir)


@pytest.fixture(scope="module")
def client(tiny_model_dir):
    with TestClient(create_app(tiny_model_dir, max_upload_bytes=CAP, max_stream_seconds=4.0)) as c:
        yield c


def speech(seconds: float = 1.5, rate: int = RATE, seed: int = 0) -> np.ndarray:
    """A voiced, speech-like signal: a wavering harmonic tone with noise."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 140 + 30 * np.sin(2 * np.pi * 3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    y = sum(np.sin(k * phase) / k for k in range(1, 6)) * 0.2 + 0.01 * np.random.default_rng(seed).standard_normal(t.size)
    return y.astype(np.float32)


def wav_bytes(y: np.ndarray, rate: int = RATE) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, y, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "clip.wav", content_type: str = "audio/wav"):
    return client.post("/predict", files={"file": (name, data, content_type)})


def assert_still_serving(client, recognizer):
    data = wav_bytes(speech(seed=7))
    response = upload(client, data)
    assert response.status_code == 200, response.text
    assert response.json()["probabilities"] == recognizer.predict_bytes(data).to_dict()["probabilities"]


# -- the good path --------------------------------------------------------------------------------


def test_an_upload_is_predicted_as_the_recognizer_predicts_it(client, recognizer, ravdess16k):
    path = sorted(ravdess16k.glob("Actor_01/*.flac"))[0]
    data = path.read_bytes()
    response = upload(client, data, name=path.name, content_type="audio/flac")
    assert response.status_code == 200, response.text
    body = response.json()
    expected = recognizer.predict_bytes(data).to_dict()
    assert body["emotion"] == expected["emotion"] and body["emotion"] in recognizer.classes
    assert body["probabilities"] == expected["probabilities"]
    assert body["probability"] == expected["probability"] and body["duration"] == expected["duration"]
    assert body["model"] == "model" and "path" not in body


def test_health_names_the_model_and_the_caps(client, recognizer):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["classes"] == list(recognizer.classes)
    assert body["sample_rate"] == recognizer.sample_rate and body["max_upload_bytes"] == CAP


def test_the_page_and_its_assets_come_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for asset in ("app.js", "style.css", "capture-worklet.js"):
        assert f"/static/{asset}" in page.text + client.get("/static/app.js").text
        assert client.get(f"/static/{asset}").status_code == 200
    assert "http://" not in page.text and "https://" not in page.text  # nothing fetched from elsewhere


@pytest.mark.parametrize("name", ["../server.py", "..%2Fserver.py", "%2e%2e%2f__init__.py", "nothing.js"])
def test_an_asset_path_names_no_file(client, name):
    assert client.get(f"/static/{name}").status_code == 404


def test_the_api_is_documented(client):
    schema = client.get("/openapi.json").json()
    assert {"/predict", "/health"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_uploads_run_concurrently_and_each_gets_its_own_answer(client, recognizer):
    clips = [wav_bytes(speech(0.5 + 0.2 * i, seed=i)) for i in range(6)]  # all under the cap
    answers = [None] * len(clips)

    def send(i):
        answers[i] = upload(client, clips[i]).json()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clips))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for clip, answer in zip(clips, answers):
        assert answer["probabilities"] == recognizer.predict_bytes(clip).to_dict()["probabilities"]


# -- streams --------------------------------------------------------------------------------------


def stream(client, header, chunks, end=True):
    """The messages the server sends for a stream: the ready message, then the results."""
    with client.websocket_connect("/stream") as ws:
        ws.send_text(json.dumps(header))
        ready = ws.receive_json()
        results = []
        for chunk in chunks:
            ws.send_bytes(chunk)
        if end:
            ws.send_text(json.dumps({"end": True}))
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                results.append(ws.receive_json())
        return ready, results, closed.value


def offline(recognizer, y, rate, end_s, window_s):
    """The offline prediction of the window of ``y`` that ends ``end_s`` seconds in."""
    end = int(round(end_s * rate))
    return recognizer.predict_array(y[max(0, end - int(round(window_s * rate))):end], rate)


def test_a_stream_gets_the_streaming_recognizer_s_result_per_hop(client, recognizer):
    y = speech(3.9)  # under the client's 4 s cap
    chunks = [y[i:i + 1234].tobytes() for i in range(0, len(y), 1234)]  # any chunk length
    ready, results, closed = stream(client, {"sample_rate": RATE, "format": "f32le"}, chunks)
    assert ready["ready"] and ready["window"] == DEFAULT_WINDOW and 0 < ready["hop"] <= ready["window"]
    local = StreamingRecognizer(recognizer, sr=RATE)
    expected = local.push(y) + local.flush()
    assert [r["time"] for r in results] == [e.time for e in expected] and len(results) >= 3
    assert results[0]["time"] == DEFAULT_WINDOW and results[-1]["time"] == pytest.approx(len(y) / RATE)
    assert closed.code == 1000
    for r in results:
        p = offline(recognizer, y, RATE, r["time"], ready["window"])
        assert r["emotion"] == p.emotion
        np.testing.assert_allclose(list(r["probabilities"].values()), list(p.probabilities.values()), atol=1e-4)


def test_an_int16_stream_at_another_rate_is_resampled(client, recognizer):
    y = speech(3.2, rate=22050)
    pcm = (y * 32767).astype("<i2")
    _, results, closed = stream(client, {"sample_rate": 22050, "format": "s16le"}, [pcm[:30000].tobytes(), pcm[30000:].tobytes()])
    local = StreamingRecognizer(recognizer, sr=22050)
    expected = local.push(pcm.astype(np.int16)) + local.flush()
    assert [r["time"] for r in results] == [e.time for e in expected] and results[0]["time"] == DEFAULT_WINDOW
    for r, e in zip(results, expected):  # chunked resampling agrees with whole-signal resampling to float precision
        np.testing.assert_allclose(list(r["probabilities"].values()), list(e.probabilities.values()), atol=1e-4)
    assert closed.code == 1000


def test_a_stream_past_its_cap_is_closed_with_a_reason(client, recognizer):
    y = speech(5.0)
    _, results, closed = stream(client, {"sample_rate": RATE, "format": "f32le"}, [y[i:i + RATE].tobytes() for i in range(0, len(y), RATE)],
                                end=False)
    assert closed.code == 1009 and "cap of 4 s" in closed.reason
    local = StreamingRecognizer(recognizer, sr=RATE)
    assert [r["time"] for r in results] == [e.time for e in local.push(y[:4 * RATE])]  # every hop of the 4 s it accepted
    assert_still_serving(client, recognizer)


# -- bad uploads ----------------------------------------------------------------------------------


def truncated_wav() -> bytes:
    return wav_bytes(speech())[:1000]


def zero_sample_wav() -> bytes:
    return wav_bytes(np.zeros(0, np.float32))


@pytest.mark.parametrize("data, status, says", [
    (b"", 400, "empty"),
    (b"this is a text file, not a recording" * 10, 422, ""),
    (truncated_wav(), 422, ""),
    (zero_sample_wav(), 422, ""),
], ids=["empty", "not-audio", "truncated", "zero-samples"])
def test_a_bad_upload_gets_a_4xx_that_says_why(client, recognizer, data, status, says):
    response = upload(client, data)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and says in detail and len(detail) > 20
    assert_still_serving(client, recognizer)


def test_an_upload_over_the_cap_gets_413(client, recognizer):
    response = upload(client, b"RIFF" + bytes(CAP))
    assert response.status_code == 413 and f"cap of {CAP} bytes" in response.json()["detail"]
    assert_still_serving(client, recognizer)


def test_an_over_cap_upload_of_unknown_length_is_cut_off(client, recognizer):
    def body():  # a generator: sent chunked, with no Content-Length
        boundary_head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n'
        yield boundary_head
        for _ in range(64):
            yield bytes(4096)
        yield b"\r\n--b--\r\n"

    response = client.post("/predict", content=body(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert_still_serving(client, recognizer)


@pytest.mark.parametrize("kwargs", [
    {"content": b"RIFF....", "headers": {"content-type": "audio/wav"}},
    {"json": {"file": "speech.wav"}},
], ids=["raw-body", "json-path"])
def test_an_upload_that_is_not_multipart_gets_415(client, recognizer, kwargs):
    response = client.post("/predict", **kwargs)
    assert response.status_code == 415 and "multipart/form-data" in response.json()["detail"]
    assert_still_serving(client, recognizer)


def test_a_form_without_the_file_field_gets_422(client, recognizer):
    response = client.post("/predict", files={"audio": ("a.wav", wav_bytes(speech()), "audio/wav")})
    assert response.status_code == 422 and "file" in json.dumps(response.json()["detail"])
    assert_still_serving(client, recognizer)


# -- bad streams ----------------------------------------------------------------------------------


def refused(client, first, then=()):
    """The close a stream gets for a bad first message, or for bad messages after a good one."""
    with client.websocket_connect("/stream") as ws:
        if isinstance(first, bytes):
            ws.send_bytes(first)
        else:
            ws.send_text(first)
        for message in then:
            if not then or message is then[0]:
                ws.receive_json()  # ready
            if isinstance(message, bytes):
                ws.send_bytes(message)
            else:
                ws.send_text(message)
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
    return closed.value


@pytest.mark.parametrize("first, code, says", [
    ("hello", 1003, "not JSON"),
    ("[1, 2]", 1003, "JSON object"),
    (b"\x00\x01\x02\x03", 1003, "not JSON"),
    (json.dumps({"format": "f32le"}), 1008, "sample_rate None"),
    (json.dumps({"sample_rate": 0}), 1008, "sample_rate 0"),
    (json.dumps({"sample_rate": 44100.5}), 1008, "whole number"),
    (json.dumps({"sample_rate": 10**9}), 1008, "from 8000 to 192000"),
    (json.dumps({"sample_rate": "16k"}), 1008, "sample_rate '16k'"),
    (json.dumps({"sample_rate": 16000, "format": "mp3"}), 1008, "format 'mp3'"),
], ids=["text", "json-list", "binary", "no-rate", "zero-rate", "fractional-rate", "huge-rate", "string-rate", "bad-format"])
def test_a_bad_first_message_closes_the_stream_with_a_reason(client, recognizer, first, code, says):
    closed = refused(client, first)
    assert closed.code == code and says in closed.reason
    assert_still_serving(client, recognizer)


@pytest.mark.parametrize("then, says", [
    ([np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes()], "far outside [-1, 1]"),
    ([np.full(100, np.nan, np.float32).tobytes()], "NaN"),
    ([b"\x00" * 4001], "4-byte samples"),
    (["more audio please"], "binary audio chunks"),
], ids=["random-bytes", "nan", "odd-length", "text-chunk"])
def test_garbage_in_a_stream_closes_it_with_a_reason(client, recognizer, then, says):
    closed = refused(client, json.dumps({"sample_rate": RATE, "format": "f32le"}), then)
    assert closed.code == 1003 and says in closed.reason
    assert_still_serving(client, recognizer)


def test_a_client_leaving_mid_stream_leaves_the_server_serving(client, recognizer):
    y = speech(3.5)
    with client.websocket_connect("/stream") as ws:
        ws.send_text(json.dumps({"sample_rate": RATE}))
        ws.receive_json()
        ws.send_bytes(y[:int(3.2 * RATE)].tobytes())
        ws.receive_json()  # the first window's result: the stream is under way
    _, results, closed = stream(client, {"sample_rate": RATE}, [y.tobytes()])
    assert len(results) >= 2 and closed.code == 1000
    assert_still_serving(client, recognizer)


# -- construction and the command -----------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error", [
    ({"max_upload_bytes": 0}, ser_rs.ParameterError),
    ({"max_stream_seconds": -1.0}, ser_rs.ParameterError),
    ({"max_upload_bytes": "20MB"}, TypeError),
])
def test_absurd_caps_are_refused(tiny_model_dir, kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        create_app(tiny_model_dir, **kwargs)


def test_a_missing_model_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "nothing")


def test_serve_without_a_model_says_how_to_make_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no ser_rs_output/demo/model here
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "ser-rs demo" in err and "ser-rs train" in err
    assert cli.main(["serve", "--model", str(tmp_path / "missing")]) == 2
    assert "holds no saved model" in capsys.readouterr().err


@pytest.mark.parametrize("missing", ["fastapi", "uvicorn", "websockets", "multipart"])
def test_serve_without_the_web_framework_names_the_install_command(tiny_model_dir, monkeypatch, capsys, missing):
    monkeypatch.setitem(sys.modules, missing, None)  # as if not installed
    assert cli.main(["serve", "--model", str(tiny_model_dir)]) == 2
    assert 'pip install "ser_rs[serve]"' in capsys.readouterr().err


@pytest.mark.parametrize("missing", ["fastapi", "multipart"])
def test_create_app_without_the_web_framework_names_the_install_command(tiny_model_dir, monkeypatch, missing):
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(ImportError, match=r"ser_rs\[serve\]"):
        create_app(tiny_model_dir)


def test_serve_serves_the_demo_model_by_default(tiny_model_dir, tmp_path, monkeypatch):
    import shutil
    import uvicorn

    shutil.copytree(tiny_model_dir, tmp_path / cli.DEMO_MODEL)
    monkeypatch.chdir(tmp_path)
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: served.update(app=app, host=host, port=port))
    assert cli.main(["serve", "--port", "8123"]) == 0
    assert served["host"] == "127.0.0.1" and served["port"] == 8123
    with TestClient(served["app"]) as c:
        assert c.get("/health").json()["classes"] == ["angry", "sad"]


def test_the_load_benchmark_runs_without_errors(tiny_model_dir, tmp_path):
    """benchmarks/bench_server.py at a small size: concurrent uploads and real-time streams against a
    real uvicorn process, every request answered (its exit code is 1 on any error)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "server.json"
    command = [sys.executable, str(root / "benchmarks" / "bench_server.py"), "--model", str(tiny_model_dir), "--clients", "3",
               "--requests", "4", "--streams", "2", "--stream-seconds", "4", "--clips", "3", "--output", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["uploads"]["requests"] == 12 and report["uploads"]["errors"] == 0
    assert report["streams"]["errors"] == 0 and report["streams"]["results"] > 0
