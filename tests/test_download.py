"""download_ravdess against a local HTTP server (with Range support) serving a small zip made
here: full download, resume, checksum mismatch, HTTP errors, truncated transfers. No real
network is used."""

from __future__ import annotations

import hashlib
import io
import re
import socket
import tempfile
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from ser_rs import ParameterError
from ser_rs.datasets import (
    RAVDESS_SPEECH_MD5,
    RAVDESS_SPEECH_URL,
    ChecksumError,
    DownloadError,
    download_ravdess,
    write_wav,
)
from ser_rs.datasets import download as download_module

NAME = "Audio_Speech_Actors_01-24.zip"
WAVS = ["Actor_01/03-01-01-01-01-01-01.wav", "Actor_01/03-01-05-02-01-02-01.wav", "Actor_02/03-01-04-01-02-01-02.wav"]


def make_zip(members=WAVS) -> bytes:
    """A small RAVDESS-like archive of noise WAVs (noise, so the bytes do not compress away)."""
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in members:
            wav = Path(tmp) / "x.wav"
            write_wav(wav, 0.1 * rng.standard_normal(4000), 16000)
            zf.write(wav, name)
    return buffer.getvalue()


PAYLOAD = make_zip()
MD5 = "md5:" + hashlib.md5(PAYLOAD).hexdigest()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        state = self.server.state
        state["requests"].append(self.headers.get("Range"))
        mode = state["mode"]
        if mode in ("404", "500"):
            self.send_error(int(mode))
            return
        data = state["payload"]
        start = 0
        wanted = self.headers.get("Range")
        if wanted and mode != "ignore_range":
            start = int(re.fullmatch(r"bytes=(\d+)-", wanted).group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if mode in ("truncate_once", "truncate_always"):
            if mode == "truncate_once":
                state["mode"] = "ok"
            self.wfile.write(body[: len(body) // 2])  # then the connection closes
            return
        self.wfile.write(body)


@pytest.fixture
def server(monkeypatch):
    """A local server; tests set server.state["mode"] / ["payload"] and read ["requests"]."""
    monkeypatch.setattr(download_module, "_BACKOFF", 0.0)
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.state = {"mode": "ok", "payload": PAYLOAD, "requests": []}
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/records/1/files/{NAME}?download=1"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def unpacked(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.wav"))


def test_full_download_unpacks_and_is_idempotent(server, tmp_path):
    folder = download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False)
    assert folder == tmp_path / "Audio_Speech_Actors_01-24"
    assert unpacked(folder) == sorted(WAVS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Audio_Speech_Actors_01-24"]  # zip and .part gone
    assert server.state["requests"] == [None]
    # A second call finds the complete folder and makes no request.
    manifest = download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False, manifest=True)
    assert server.state["requests"] == [None]
    assert sorted(manifest["emotion"]) == ["angry", "neutral", "sad"]
    assert sorted(manifest["speaker"]) == ["01", "01", "02"]


def test_progress_bar_and_keep_archive(server, tmp_path, capsys):
    download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=True, keep_archive=True)
    assert (tmp_path / NAME).read_bytes() == PAYLOAD
    assert f"{NAME}: 0.0 MiB in " in capsys.readouterr().err  # not a terminal: the bytes fetched, once, on stderr


def test_resume_from_partial_file(server, tmp_path):
    cut = len(PAYLOAD) // 3
    (tmp_path / (NAME + ".part")).write_bytes(PAYLOAD[:cut])
    folder = download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False)
    assert server.state["requests"] == [f"bytes={cut}-"]
    assert unpacked(folder) == sorted(WAVS)


def test_resume_when_partial_file_is_already_whole(server, tmp_path):
    (tmp_path / (NAME + ".part")).write_bytes(PAYLOAD)
    folder = download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False)
    assert server.state["requests"] == [f"bytes={len(PAYLOAD)}-"]  # answered 416
    assert unpacked(folder) == sorted(WAVS)


def test_server_ignoring_range_restarts_cleanly(server, tmp_path):
    server.state["mode"] = "ignore_range"
    (tmp_path / (NAME + ".part")).write_bytes(PAYLOAD[:1000])
    folder = download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False)
    assert unpacked(folder) == sorted(WAVS)  # the 200 answer replaced the partial bytes, no duplication


def test_truncated_transfer_is_resumed_within_the_call(server, tmp_path):
    server.state["mode"] = "truncate_once"
    folder = download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False, retries=1)
    first, second = server.state["requests"]
    assert first is None and second == f"bytes={len(PAYLOAD) // 2}-"
    assert unpacked(folder) == sorted(WAVS)


def test_truncated_transfer_keeps_partial_file_for_a_later_call(server, tmp_path):
    server.state["mode"] = "truncate_always"
    with pytest.raises(DownloadError, match=r"stopped after .* bytes.*call again to resume"):
        download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False, retries=0)
    kept = (tmp_path / (NAME + ".part")).stat().st_size
    assert 0 < kept < len(PAYLOAD)
    assert not (tmp_path / "Audio_Speech_Actors_01-24").exists()
    server.state["mode"] = "ok"
    folder = download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False)
    assert server.state["requests"][-1] == f"bytes={kept}-"
    assert unpacked(folder) == sorted(WAVS)


def test_checksum_mismatch_leaves_nothing_behind(server, tmp_path):
    wrong = "md5:" + hashlib.md5(b"something else").hexdigest()
    with pytest.raises(ChecksumError, match=r"expected .*deleted and nothing unpacked"):
        download_ravdess(tmp_path, url=server.url, checksum=wrong, progress=False)
    assert list(tmp_path.iterdir()) == []
    sha = "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()
    assert unpacked(download_ravdess(tmp_path, url=server.url, checksum=sha, progress=False)) == sorted(WAVS)


def test_http_404_is_not_retried(server, tmp_path):
    server.state["mode"] = "404"
    with pytest.raises(DownloadError, match="HTTP 404.*check the url"):
        download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False, retries=3)
    assert len(server.state["requests"]) == 1
    assert list(tmp_path.iterdir()) == []


def test_http_500_is_retried_then_reported(server, tmp_path):
    server.state["mode"] = "500"
    with pytest.raises(DownloadError, match="after 3 attempt.*HTTP 500"):
        download_ravdess(tmp_path, url=server.url, checksum=MD5, progress=False, retries=2)
    assert len(server.state["requests"]) == 3


def test_unreachable_server(server, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError, match="could not reach"):
        download_ravdess(tmp_path, url=f"http://127.0.0.1:{port}/{NAME}", checksum=MD5, progress=False, retries=0)


def test_not_a_zip_and_unsafe_zip(server, tmp_path):
    server.state["payload"] = b"<html>not a zip</html>"
    with pytest.raises(DownloadError, match="not a valid zip"):
        download_ravdess(tmp_path / "a", url=server.url, checksum=None, progress=False)
    assert list((tmp_path / "a").iterdir()) == []
    evil = make_zip(["Actor_01/ok.wav", "../evil.wav"])
    server.state["payload"] = evil
    with pytest.raises(DownloadError, match="unsafe path"):
        download_ravdess(tmp_path / "b", url=server.url, checksum=None, progress=False)
    assert not (tmp_path / "evil.wav").exists()
    assert not (tmp_path / "b" / "Audio_Speech_Actors_01-24").exists()
    assert not [p for p in (tmp_path / "b").iterdir() if p.is_dir()]  # no staging folder left


def test_bad_arguments(tmp_path):
    with pytest.raises(ParameterError, match="checksum='md5:xyz'"):
        download_ravdess(tmp_path, checksum="md5:xyz")
    with pytest.raises(ParameterError, match="checksum="):
        download_ravdess(tmp_path, checksum="crc32:" + "0" * 8)
    with pytest.raises(TypeError, match="checksum"):
        download_ravdess(tmp_path, checksum=123)
    with pytest.raises(ParameterError, match="url="):
        download_ravdess(tmp_path, url="ftp://example.org/x.zip")
    with pytest.raises(ParameterError, match="retries"):
        download_ravdess(tmp_path, retries=-1)
    with pytest.raises(ParameterError, match="timeout"):
        download_ravdess(tmp_path, timeout=0)
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(ParameterError, match="is a file"):
        download_ravdess(file)
    with pytest.raises(TypeError, match="dest"):
        download_ravdess(None)


def test_default_source_is_the_zenodo_record():
    assert RAVDESS_SPEECH_URL.startswith("https://zenodo.org/records/1188976/files/Audio_Speech_Actors_01-24.zip")
    assert download_module._parse_checksum(RAVDESS_SPEECH_MD5)[0] == "md5"
    assert download_module._archive_name(RAVDESS_SPEECH_URL) == NAME
    assert download_module._archive_name("https://zenodo.org/api/records/1188976/files/" + NAME + "/content") == NAME
