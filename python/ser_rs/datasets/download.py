"""Fetch the RAVDESS speech archive from its official home, check it, unpack it.

The archive is ``Audio_Speech_Actors_01-24.zip`` (1440 files, 208,468,073 bytes) of Zenodo
record 1188976 (doi:10.5281/zenodo.1188976), Livingstone & Russo (2018), licensed CC BY-NC-SA
4.0. Its MD5, ``bc696df654c87fed845eb13823edef8a``, is the value Zenodo lists for the file; we
took it, with the size, from several independent projects that verified their downloads against
the record (we could not open zenodo.org itself when writing this).

Only the standard library is used for the transfer (urllib); progress is a tqdm bar on a terminal or in a notebook, else one line at the end.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any, Optional, Union

from ser_rs._progress import ProgressBar
from ser_rs.exceptions import ChecksumError, DownloadError, InputTypeError, ParameterError

__all__ = ["ChecksumError", "DownloadError", "RAVDESS_SPEECH_MD5", "RAVDESS_SPEECH_SIZE", "RAVDESS_SPEECH_URL", "download_ravdess"]

#: The speech archive's download address on its Zenodo record.
RAVDESS_SPEECH_URL = "https://zenodo.org/records/1188976/files/Audio_Speech_Actors_01-24.zip?download=1"
#: Its checksum as ``"md5:<hex>"``.
RAVDESS_SPEECH_MD5 = "md5:bc696df654c87fed845eb13823edef8a"
#: Its size in bytes.
RAVDESS_SPEECH_SIZE = 208_468_073

_CHUNK = 1 << 16
_BACKOFF = 1.0  # seconds before the first retry, doubling after each
_COMPLETE = ".ser_rs_complete"  # marker written last into a fully unpacked folder


def _parse_checksum(checksum: Optional[str]) -> Optional[tuple[str, str]]:
    """("md5" | "sha256", hex digest) from "md5:<hex>", "sha256:<hex>" or a bare digest."""
    if checksum is None:
        return None
    if not isinstance(checksum, str):
        raise InputTypeError(f"checksum must be a string like 'md5:<32 hex digits>' or None, got {type(checksum).__name__}")
    algorithm, _, digest = checksum.strip().lower().rpartition(":")
    lengths = {"md5": 32, "sha256": 64}
    if not algorithm:
        algorithm = {32: "md5", 64: "sha256"}.get(len(digest), "")
    if algorithm not in lengths or len(digest) != lengths[algorithm] or any(c not in "0123456789abcdef" for c in digest):
        raise ParameterError(
            f"checksum={checksum!r} is not 'md5:<32 hex digits>' or 'sha256:<64 hex digits>'; pass None to skip the check"
        )
    return algorithm, digest


def _digest(path: Path, algorithm: str) -> str:
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _user_agent() -> str:
    try:
        from ser_rs._native import __version__
    except ImportError:  # pragma: no cover
        __version__ = "?"
    return f"ser_rs/{__version__} (python urllib)"


class _Retry(Exception):
    """A transient failure worth another attempt (resuming where it stopped)."""


def _fetch(url: str, part: Path, *, timeout: float, progress: bool) -> None:
    """One attempt: downloads into ``part``, resuming from its current size when the server allows."""
    offset = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": _user_agent()})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:
            return  # nothing left to fetch: the checksum decides whether the file is whole
        message = f"the server answered HTTP {exc.code} {exc.reason} for {url}"
        if exc.code >= 500 or exc.code in (408, 429):
            raise _Retry(message) from exc
        raise DownloadError(f"{message}; check the url (the default is the official Zenodo record)") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _Retry(f"could not reach {url} ({getattr(exc, 'reason', exc)})") from exc
    with response:
        status = getattr(response, "status", 200)
        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        if offset and status == 206:
            start = response.headers.get("Content-Range", "").replace("bytes ", "").split("-")[0]
            if start != str(offset):
                raise _Retry(f"the server resumed at byte {start!r}, not {offset}")
            mode = "ab"
        else:
            offset, mode = 0, "wb"  # a 200 answer is the whole file: start over
        total = None if expected is None else offset + expected
        received = 0
        with open(part, mode) as out, ProgressBar(
            total, initial=offset, unit="B", unit_scale=True, unit_divisor=1024,
            desc=part.name.removesuffix(".part"), disable=not progress, leave=False,
        ) as bar:
            try:
                while True:
                    block = response.read(_CHUNK)
                    if not block:
                        break
                    out.write(block)
                    received += len(block)
                    bar.update(len(block))
            except (OSError, http.client.HTTPException) as exc:
                raise _Retry(f"the transfer broke off after {offset + received} bytes ({exc})") from exc
        if expected is not None and received < expected:
            raise _Retry(f"the transfer stopped after {offset + received} of {total} bytes")


def _unpack(archive: Path, folder: Path) -> None:
    """Unpacks into a temporary sibling folder, then renames it: never a half-unpacked ``folder``."""
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        try:
            with zipfile.ZipFile(archive) as zf:
                for member in zf.infolist():
                    target = (staging / member.filename).resolve()
                    if not target.is_relative_to(staging.resolve()):
                        raise DownloadError(f"{archive} holds an unsafe path {member.filename!r}; refusing to unpack it")
                zf.extractall(staging)
        except zipfile.BadZipFile as exc:
            archive.unlink()
            raise DownloadError(f"{archive.name} is not a valid zip archive ({exc}); it was deleted: check the url and run again") from exc
        (staging / _COMPLETE).write_text(archive.name + "\n")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _archive_name(url: str) -> str:
    """The archive's file name from its url (Zenodo's API form ends in ``/<name>/content``)."""
    segments = [s for s in urllib.parse.urlparse(url).path.split("/") if s]
    if segments and segments[-1] == "content" and len(segments) > 1:
        segments.pop()
    name = urllib.parse.unquote(segments[-1]) if segments else ""
    return name if name.lower().endswith(".zip") else (name or "ravdess") + ".zip"


def download_ravdess(
    dest: Union[str, "os.PathLike[str]"],
    *,
    url: str = RAVDESS_SPEECH_URL,
    checksum: Optional[str] = RAVDESS_SPEECH_MD5,
    progress: bool = True,
    manifest: bool = False,
    retries: int = 3,
    timeout: float = 60.0,
    keep_archive: bool = False,
) -> Any:
    """Download, check and unpack the RAVDESS speech archive; return its folder (or manifest).

    The archive goes to ``dest/Audio_Speech_Actors_01-24.zip.part`` first. An interrupted
    download resumes from there (HTTP Range) on the next attempt, within this call (up to
    ``retries`` times) or a later one. Only a complete file whose checksum matches is unpacked,
    into a temporary folder renamed to ``dest/Audio_Speech_Actors_01-24`` at the end. Once that
    folder is complete, calling again returns it without any network access.

    Parameters
    ----------
    dest : str or os.PathLike
        Folder to download into (created if missing).
    url : str
        Where to fetch the archive; default the official Zenodo record (:data:`RAVDESS_SPEECH_URL`).
        The unpacked folder is named after the url's file name.
    checksum : str or None
        ``"md5:<hex>"`` or ``"sha256:<hex>"`` of the archive (default :data:`RAVDESS_SPEECH_MD5`),
        or None to skip the check (not recommended).
    progress : bool
        Show progress (a tqdm bar on a terminal or in a notebook, else one line at the end).
    manifest : bool
        Return :func:`~ser_rs.datasets.read_ravdess` of the folder instead of the folder.
    retries : int
        Further attempts, each resuming, after a network failure, a 5xx answer or a transfer
        cut short.
    timeout : float
        Seconds to wait for the server on each connection or read.
    keep_archive : bool
        Keep the zip file after unpacking.

    Returns
    -------
    pathlib.Path or pandas.DataFrame
        The folder holding ``Actor_01`` .. ``Actor_24``, or its manifest.

    Raises
    ------
    DownloadError
        An HTTP error (404: wrong url; 5xx after the retries), no connection, a transfer still
        cut short after the retries (the partial file is kept: call again to resume), or an
        archive that is not a valid zip.
    ChecksumError
        The complete file has the wrong checksum; it is deleted and nothing is unpacked.
    ParameterError
        A malformed ``checksum``, ``url``, ``retries`` or ``timeout``, or ``dest`` is a file.

    Examples
    --------
    >>> from ser_rs.datasets import download_ravdess
    >>> folder = download_ravdess("~/data")            # doctest: +SKIP
    >>> manifest = download_ravdess("~/data", manifest=True)  # doctest: +SKIP
    >>> manifest.groupby("emotion").size()["neutral"]   # doctest: +SKIP
    96
    """
    expected = _parse_checksum(checksum)
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://", "file://")):
        raise ParameterError(f"url={url!r} must be an http(s):// (or file://) address of the zip archive")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ParameterError(f"retries={retries!r} must be a whole number >= 0")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ParameterError(f"timeout={timeout!r} must be a positive number of seconds")
    if not isinstance(dest, (str, os.PathLike)):
        raise InputTypeError(f"dest must be a str or os.PathLike folder, got {type(dest).__name__}")
    root = Path(dest).expanduser()
    if root.exists() and not root.is_dir():
        raise ParameterError(f"dest {root} is a file; pass a folder to download into")
    root.mkdir(parents=True, exist_ok=True)
    name = _archive_name(url)
    folder = root / (name.removesuffix(".zip") or "ravdess")
    archive, part = root / name, root / (name + ".part")

    if not (folder / _COMPLETE).is_file():
        if not archive.is_file():
            for attempt in range(retries + 1):
                try:
                    _fetch(url, part, timeout=float(timeout), progress=progress)
                    break
                except _Retry as exc:
                    if attempt == retries:
                        kept = f"; the {part.stat().st_size} bytes received are kept in {part}: call again to resume" if part.exists() and part.stat().st_size else ""
                        raise DownloadError(f"download failed after {retries + 1} attempt(s): {exc}{kept}") from None
                    time.sleep(min(_BACKOFF * 2.0**attempt, 30.0))
            if expected is not None:
                algorithm, digest = expected
                actual = _digest(part, algorithm)
                if actual != digest:
                    part.unlink()
                    raise ChecksumError(
                        f"{name} from {url} has {algorithm} {actual}, expected {digest}; the file was deleted and "
                        "nothing unpacked. Run again; if it persists the file on the server changed: check the url, "
                        "or pass checksum=None to accept it unchecked"
                    )
            part.replace(archive)
        _unpack(archive, folder)
        if not keep_archive:
            archive.unlink()
    if manifest:
        from ser_rs.datasets.corpora import read_ravdess

        return read_ravdess(folder)
    return folder
