"""`memtest://` paths: a Beam FileSystem held in memory, the stand-in for an object store (gs://, s3://) in
unit tests. Like an object store it has no folders and no atomic rename, and only code that goes through
`apache_beam.io.filesystems.FileSystems` can reach it: a `pathlib.Path` or `open()` on such a path fails."""

from __future__ import annotations

import io
import time

from apache_beam.io.filesystem import BeamIOError, FileMetadata, FileSystem


class MemoryFileSystem(FileSystem):
    FILES: dict[str, tuple[bytes, float]] = {}  # path -> (content, last updated); FileSystems makes a new instance per call

    @classmethod
    def scheme(cls):
        return "memtest"

    def join(self, basepath, *paths):
        return "/".join([basepath.rstrip("/"), *(path.strip("/") for path in paths)])

    def split(self, path):
        head, _, tail = path.rpartition("/")
        return head, tail

    def mkdirs(self, path):
        pass

    def has_dirs(self):
        return False

    def _list(self, dir_or_prefix):
        for path, (content, updated) in list(self.FILES.items()):
            if path.startswith(dir_or_prefix):
                yield FileMetadata(path, len(content), updated)

    def create(self, path, mime_type="application/octet-stream", compression_type=None):
        files = self.FILES

        class Upload(io.BytesIO):
            def close(self):
                files[path] = (self.getvalue(), time.time())
                super().close()

        return Upload()

    def open(self, path, mime_type="application/octet-stream", compression_type=None):
        if path not in self.FILES:
            raise BeamIOError("not found", {path: FileNotFoundError(path)})
        return io.BytesIO(self.FILES[path][0])

    def copy(self, source_file_names, destination_file_names):
        for source, destination in zip(source_file_names, destination_file_names):
            self.FILES[destination] = self.FILES[source]

    def rename(self, source_file_names, destination_file_names):
        missing = {source: FileNotFoundError(source) for source in source_file_names if source not in self.FILES}
        if missing:
            raise BeamIOError("rename failed", missing)
        for source, destination in zip(source_file_names, destination_file_names):
            self.FILES[destination] = self.FILES.pop(source)

    def exists(self, path):
        return path in self.FILES

    def size(self, path):
        return len(self.FILES[path][0])

    def last_updated(self, path):
        return self.FILES[path][1]

    def checksum(self, path):
        return str(hash(self.FILES[path][0]))

    def metadata(self, path):
        return FileMetadata(path, self.size(path), self.last_updated(path))

    def delete(self, paths):
        for path in paths:
            self.FILES.pop(path, None)
