"""An HTTP server over a trained model: a web page, file uploads and live streams.

``ser-rs serve`` runs it; :func:`create_app` builds the ASGI application for any ASGI server.

==========================  ===================================================================
route                       what it does
==========================  ===================================================================
``GET /``                   the page: upload a file or record from the microphone, see the
                            emotion, each emotion's probability and, while streaming, a timeline
``POST /predict``           a multipart upload (field ``file``: WAV, FLAC, MP3 or OGG) -> JSON
                            ``{emotion, probability, probabilities, duration, model}``
``GET /health``             ``{status, model, classes, sample_rate, ...}``
``WS /stream``              a live stream: a first text message ``{"sample_rate": N, "format":
                            "f32le" | "s16le"}``, then binary chunks of mono samples; the server
                            answers ``{"ready": ...}``, then a result per hop once a window has
                            arrived (:class:`ser_rs.StreamingRecognizer`'s, exact to the offline
                            model). A text message ``{"end": true}`` flushes and closes.
``GET /docs``               the OpenAPI documentation
==========================  ===================================================================

The model is loaded once, when the application is made; predictions run in worker threads (the
Recognizer is thread-safe and releases the GIL), so the event loop keeps serving every other
client while one is being analysed. The server reads no path a client names (the page's assets
are read once, from the package), refuses an upload over its cap with 413 before reading the
body (``Content-Length``) or as soon as the body passes the cap, and ends a stream that runs
longer than its cap. Bad input gets a 4xx, or for a stream a close with a code and a reason,
that says what was wrong; the server keeps serving everyone else.

FastAPI, uvicorn and python-multipart are optional: ``pip install "ser_rs[serve]"``.

Examples
--------
>>> from ser_rs.server import create_app
>>> app = create_app("ser_rs_output/demo/model")         # doctest: +SKIP
>>> import uvicorn; uvicorn.run(app, host="127.0.0.1")   # doctest: +SKIP
"""

# No ``from __future__ import annotations``: FastAPI reads the routes' annotations (UploadFile,
# WebSocket), imported lazily inside the functions that define them, as objects.
import json
import math
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from ser_rs.exceptions import AudioDecodeError, InputTypeError, ParameterError
from ser_rs.inference import Recognizer, load_model
from ser_rs.streaming import DEFAULT_HOP, DEFAULT_WINDOW, StreamingRecognizer

__all__ = ["DEFAULT_HOST", "DEFAULT_MAX_STREAM_SECONDS", "DEFAULT_MAX_UPLOAD_BYTES", "DEFAULT_PORT", "STREAM_FORMATS", "create_app"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: 20 MiB: two minutes of 48 kHz 16-bit stereo WAV, far more than an utterance needs.
DEFAULT_MAX_UPLOAD_BYTES = 20 * 2**20
#: Ten minutes of audio a stream, however it is chunked.
DEFAULT_MAX_STREAM_SECONDS = 600.0
#: Sample encodings a stream may send: little-endian float32 in [-1, 1], or int16.
STREAM_FORMATS = {"f32le": np.dtype("<f4"), "s16le": np.dtype("<i2")}
#: The sample rates a stream may declare (Hz): telephone speech to studio audio.
STREAM_RATES = (8000, 192000)
#: A float sample beyond this is not audio scaled to [-1, 1] (the slack admits clipped input).
_MAX_FLOAT_SAMPLE = 16.0
#: The page's files, read once from the package when the application is made.
STATIC_DIR = Path(__file__).resolve().parent / "static"
_MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_UPLOAD_ROUTE = "/predict"

# WebSocket close codes (RFC 6455): normal, the data cannot be used, a broken rule, too big.
_CLOSE_NORMAL, _CLOSE_UNSUPPORTED, _CLOSE_POLICY, _CLOSE_TOO_BIG = 1000, 1003, 1008, 1009
#: A close reason must fit a control frame (123 bytes of UTF-8).
_MAX_REASON_BYTES = 123


def _web_framework() -> Any:
    """The fastapi module, or an ImportError that says what to install."""
    try:
        import fastapi
        import multipart  # noqa: F401  (python-multipart: FastAPI needs it to read uploads)
    except ImportError as exc:
        raise ImportError(f'the server needs FastAPI, uvicorn and python-multipart: pip install "ser_rs[serve]" ({exc})') from exc
    return fastapi


def create_app(model_dir: Any, *, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
               max_stream_seconds: float = DEFAULT_MAX_STREAM_SECONDS) -> Any:
    """The ASGI application serving the model in ``model_dir``: the page, uploads and streams.

    Parameters
    ----------
    model_dir : str or os.PathLike
        A model folder written by ``ser-rs train``, ``ser-rs demo`` or
        :meth:`EmotionClassifier.save`. It is loaded here, once.
    max_upload_bytes : int
        The largest request body ``POST /predict`` accepts; a larger one gets 413.
    max_stream_seconds : float
        The most audio one WebSocket stream may send; the stream is then closed (code 1009).

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    ImportError
        FastAPI or python-multipart is not installed (``pip install "ser_rs[serve]"``).
    TypeError
        ``model_dir`` is not a path, or a cap is not a number.
    FileNotFoundError, ParameterError
        The model folder is missing or unusable (see :func:`ser_rs.inference.load_model`), or a
        cap is not positive.

    Examples
    --------
    >>> from fastapi.testclient import TestClient                      # doctest: +SKIP
    >>> client = TestClient(create_app("ser_rs_output/demo/model"))     # doctest: +SKIP
    >>> client.get("/health").json()["status"]                          # doctest: +SKIP
    'ok'
    """
    fastapi = _web_framework()
    max_upload_bytes = _positive(max_upload_bytes, "max_upload_bytes", int)
    max_stream_seconds = _positive(max_stream_seconds, "max_stream_seconds", float)
    recognizer = load_model(model_dir)
    model = {"name": Path(model_dir).name, "classes": [str(c) for c in recognizer.classes], "sample_rate": recognizer.sample_rate}
    assets = _read_assets()

    app = fastapi.FastAPI(title="ser_rs", summary="Speech emotion recognition: upload a recording or stream a microphone",
                          version=_version())
    app.add_middleware(_UploadGuard, max_bytes=max_upload_bytes)
    _add_page(app, assets)
    _add_health(app, model, max_upload_bytes, max_stream_seconds)
    _add_predict(app, recognizer, model)
    _add_stream(app, recognizer, max_stream_seconds)
    return app


def _positive(value: Any, name: str, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputTypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name} must be positive, got {value}")
    return kind(value)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ser_rs")
    except PackageNotFoundError:
        return "unknown"


def _read_assets() -> dict[str, tuple[bytes, str]]:
    """The page's files by name, with their media types: served from memory, so a request never
    names a path that is opened."""
    return {p.name: (p.read_bytes(), _MEDIA_TYPES[p.suffix]) for p in sorted(STATIC_DIR.iterdir()) if p.suffix in _MEDIA_TYPES}


# -- routes ---------------------------------------------------------------------------------------


def _add_page(app: Any, assets: dict) -> None:
    from fastapi import HTTPException
    from fastapi.responses import Response

    @app.get("/", include_in_schema=False)
    async def page() -> Any:
        body, media_type = assets["index.html"]
        return Response(body, media_type=media_type)

    @app.get("/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Any:
        if name not in assets:
            raise HTTPException(404, f"no asset {name!r}")
        body, media_type = assets[name]
        return Response(body, media_type=media_type, headers={"Cache-Control": "no-cache"})


def _add_health(app: Any, model: dict, max_upload_bytes: int, max_stream_seconds: float) -> None:
    @app.get("/health", summary="Whether the server is up, and the model it serves")
    async def health() -> dict:
        return {"status": "ok", "model": model["name"], "classes": model["classes"], "sample_rate": model["sample_rate"],
                "max_upload_bytes": max_upload_bytes, "max_stream_seconds": max_stream_seconds,
                "stream": {"window": DEFAULT_WINDOW, "hop": DEFAULT_HOP, "formats": sorted(STREAM_FORMATS)}}


def _add_predict(app: Any, recognizer: Recognizer, model: dict) -> None:
    from fastapi import File, HTTPException, UploadFile
    from starlette.concurrency import run_in_threadpool

    @app.post(_UPLOAD_ROUTE, summary="The emotion in an uploaded audio file (WAV, FLAC, MP3 or OGG)",
              responses={400: {"description": "empty upload"}, 413: {"description": "upload over the cap"},
                         415: {"description": "not a multipart/form-data request"},
                         422: {"description": "not decodable audio, truncated, or too short"}})
    async def predict(file: UploadFile = File(..., description="the audio file")) -> dict:
        data = await file.read()  # the guard has already bounded the body
        if not data:
            raise HTTPException(400, "the uploaded file is empty (0 bytes): upload a WAV, FLAC, MP3 or OGG recording")
        try:
            prediction = await run_in_threadpool(recognizer.predict_bytes, data)
        except (AudioDecodeError, ParameterError) as exc:
            raise HTTPException(422, f"{file.filename or 'the upload'}: {exc}") from exc
        out = prediction.to_dict()
        del out["path"]
        return {**out, "model": model["name"]}


def _add_stream(app: Any, recognizer: Recognizer, max_stream_seconds: float) -> None:
    from fastapi import WebSocket, WebSocketDisconnect
    from starlette.concurrency import run_in_threadpool

    @app.websocket("/stream")
    async def stream(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await _serve_stream(websocket, recognizer, max_stream_seconds, run_in_threadpool)
        except WebSocketDisconnect:
            pass  # the client left; its stream dies with this task and nobody else notices
        except _StreamRefused as refused:
            await _close(websocket, refused.code, str(refused))


class _StreamRefused(Exception):
    """A stream broke a rule: closed with ``code`` and the message as the reason."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


async def _serve_stream(websocket: Any, recognizer: Recognizer, max_seconds: float, in_thread: Callable) -> None:
    rate, dtype = _stream_header(await websocket.receive())
    session = open_stream(recognizer, rate)
    await websocket.send_json({"ready": True, "sample_rate": rate, "window": session.window, "hop": session.hop,
                               "max_seconds": max_seconds, "classes": [str(c) for c in recognizer.classes]})
    received = 0
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("bytes") is None:
            _end_request(message.get("text"))
            results = await in_thread(session.flush)
            await _send_results(websocket, results)
            await _close(websocket, _CLOSE_NORMAL, "end of stream")
            return
        chunk = _samples(message["bytes"], dtype)
        received += len(chunk)
        if received > max_seconds * rate:
            raise _StreamRefused(_CLOSE_TOO_BIG, f"the stream passed its cap of {max_seconds:g} s of audio: open a new one")
        try:
            results = await in_thread(session.push, chunk, rate)
        except (ParameterError, AudioDecodeError) as exc:
            raise _StreamRefused(_CLOSE_POLICY, f"the audio cannot be analysed: {exc}") from exc
        await _send_results(websocket, results)


def _stream_header(message: dict) -> tuple[int, np.dtype]:
    """The sample rate and sample type the first message declares."""
    usage = 'send {"sample_rate": N, "format": "f32le" or "s16le"} first'
    if message["type"] == "websocket.disconnect":
        from fastapi import WebSocketDisconnect

        raise WebSocketDisconnect(message.get("code", _CLOSE_NORMAL))
    try:
        header = json.loads(message.get("text") or "")
    except ValueError:
        raise _StreamRefused(_CLOSE_UNSUPPORTED, f"the first message is not JSON text: {usage}") from None
    if not isinstance(header, dict):
        raise _StreamRefused(_CLOSE_UNSUPPORTED, f"the first message is not a JSON object: {usage}")
    rate, kind = header.get("sample_rate"), header.get("format", "f32le")
    low, high = STREAM_RATES
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate != int(rate) or not low <= rate <= high:
        raise _StreamRefused(_CLOSE_POLICY, f"sample_rate {rate!r}: send a whole number of Hz from {low} to {high}")
    if kind not in STREAM_FORMATS:
        raise _StreamRefused(_CLOSE_POLICY, f"format {kind!r}: send one of {', '.join(sorted(STREAM_FORMATS))}")
    return int(rate), STREAM_FORMATS[kind]


def _end_request(text: Optional[str]) -> None:
    """Accept only ``{"end": true}`` as a text message once the stream runs."""
    try:
        ok = json.loads(text or "") == {"end": True}
    except ValueError:
        ok = False
    if not ok:
        raise _StreamRefused(_CLOSE_UNSUPPORTED, 'after the first message send binary audio chunks, or {"end": true} to finish')


def _samples(data: bytes, dtype: np.dtype) -> np.ndarray:
    """A binary chunk as the samples it holds: int16 PCM, or float32 checked to be audio."""
    if len(data) % dtype.itemsize:
        raise _StreamRefused(_CLOSE_UNSUPPORTED, f"a chunk of {len(data)} bytes is not whole {dtype.itemsize}-byte samples")
    raw = np.frombuffer(data, dtype=dtype)
    if dtype.kind == "i":
        return raw.astype(np.int16)  # native byte order; StreamingRecognizer scales it
    if raw.size and not (np.all(np.isfinite(raw)) and float(np.max(np.abs(raw))) <= _MAX_FLOAT_SAMPLE):
        raise _StreamRefused(_CLOSE_UNSUPPORTED, "the chunk holds NaN, infinity or samples far outside [-1, 1]: is it really f32le audio?")
    return raw.astype(np.float32)


async def _send_results(websocket: Any, results: list) -> None:
    for result in results:
        await websocket.send_json(result.to_dict())


async def _close(websocket: Any, code: int, reason: str) -> None:
    from starlette.websockets import WebSocketState

    if websocket.application_state == WebSocketState.CONNECTED and websocket.client_state == WebSocketState.CONNECTED:
        await websocket.close(code, reason.encode()[:_MAX_REASON_BYTES].decode(errors="ignore"))


class _UploadGuard:
    """ASGI middleware that caps the body of uploads and requires multipart/form-data, before the
    framework reads (and spools) a byte of it."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["path"] != _UPLOAD_ROUTE or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        if not headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
            return await _reply(send, 415, "send the audio file as multipart/form-data, in a field named 'file'")
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await _reply(send, 413, self._too_large())
        await self._counted(scope, receive, send)

    async def _counted(self, scope: dict, receive: Callable, send: Callable) -> None:
        """Run the app on a body that is cut off, and answered with 413, once it passes the cap
        (a chunked upload declares no length)."""
        state = {"seen": 0, "over": False, "started": False}

        async def limited_receive() -> dict:
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > self.max_bytes:
                    state["over"] = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: dict) -> None:
            if state["over"]:
                return  # the app's answer to a cut-off body is replaced by the 413
            state["started"] = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if state["over"] and not state["started"]:
            await _reply(send, 413, self._too_large())

    def _too_large(self) -> str:
        return f"the upload is larger than this server's cap of {self.max_bytes} bytes: send a shorter recording"


class _BodyTooLarge(Exception):
    """Raised into the framework when an upload passes the cap."""


async def _reply(send: Callable, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


# -- streams --------------------------------------------------------------------------------------


def open_stream(recognizer: Recognizer, rate: int) -> StreamingRecognizer:
    """A recogniser of one live stream at ``rate`` Hz, with the library's window and hop (the
    hop left to the library, which rounds it to whole feature frames so that windows share them)."""
    return StreamingRecognizer(recognizer, sr=rate)
