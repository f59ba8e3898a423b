"""Recordings in the Sinch Drive: list by time window, download to disk, delete."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pydantic import Field, TypeAdapter

from api.download import ProgressHook, resolve_target, stream_to_file
from api.errors import DownloadExistsError, InvalidArgumentError
from api.models import Recording, RecordingList, WireModel
from api.resources._base import Resource, as_utc, path_segment, utc_iso
from api.retry import network_errors, transport_error

RECORDINGS_PATH = "/calling/v1/recording"


class RecordingPage(WireModel):
    """Tolerated alternative shape: the API reference documents a bare array, some deployments wrap it."""

    recordings: list[Recording] = Field(default_factory=list)


_LIST_ADAPTER: TypeAdapter[list[Recording] | RecordingPage] = TypeAdapter(list[Recording] | RecordingPage)


def _recording_path(key: str) -> str:
    return f"{RECORDINGS_PATH}/{path_segment(key, 'key')}"


class Recordings(Resource):
    async def list(self, start: datetime, end: datetime, page: int = 1, page_size: int = 50) -> RecordingList:
        """Recordings created between `start` and `end` (naive datetimes are taken as UTC): a plain list that
        renders as a table in a notebook."""
        if not isinstance(page, int) or page < 1:
            raise InvalidArgumentError("page", "must be 1 or more")
        if not isinstance(page_size, int) or page_size < 1:
            raise InvalidArgumentError("page_size", "must be a positive integer")
        if not (isinstance(start, datetime) and isinstance(end, datetime)):
            raise InvalidArgumentError("start" if not isinstance(start, datetime) else "end", "must be a datetime")
        if as_utc(end) <= as_utc(start):
            raise InvalidArgumentError("end", "must be after start")
        query = {"from": utc_iso(start), "to": utc_iso(end), "page": page, "pageSize": page_size}
        response = await self._client._request("GET", RECORDINGS_PATH, query=query)
        parsed = self._client._parse(response, _LIST_ADAPTER)
        return RecordingList(parsed.recordings if isinstance(parsed, RecordingPage) else parsed)

    async def delete(self, key: str) -> None:
        await self._client._request("DELETE", _recording_path(key))

    async def download(
        self,
        key: str,
        target: str | os.PathLike[str],
        on_progress: ProgressHook | None = None,
        *,
        overwrite: bool = False,
    ) -> Path:
        """Stream recording `key` into `target` (a folder, or a file path). Returns the file written.

        The file appears only when complete (see api.download). A transport failure mid-body restarts the
        download (it is a GET) up to max_retries times; nothing partial is left behind either way.
        """
        path = _recording_path(key)
        raw_target = os.fspath(target)
        as_file = not (Path(raw_target).expanduser().is_dir() or raw_target.endswith(("/", os.sep)))
        if as_file and not overwrite and Path(raw_target).expanduser().exists():
            raise DownloadExistsError(raw_target)  # fail before spending a request
        policy = self._client.retry_policy
        attempt = 0
        while True:
            attempt += 1
            response = await self._client._request("GET", path, stream=True)
            try:
                final = resolve_target(target, key, response.headers.get("content-type"))
                return await stream_to_file(response, final, overwrite=overwrite, on_progress=on_progress)
            except network_errors() as exc:  # disk errors (OSError) are not retried and propagate as they are
                if attempt > policy.max_retries:
                    raise transport_error(exc, "GET", path) from None
            finally:
                await response.aclose()
            await policy.sleep(policy.delay(attempt))
