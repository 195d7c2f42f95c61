"""What a page that works with no network shares: its files listed with a version made of their
contents (``?v=…``), so that its service worker keeps them until one of them changes, and the
worker's cache named after that version. The visit page (#4) and the offline daily form (#16)
are two such pages, each an ``OfflinePage``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static


class OfflinePage:
    def __init__(self, *, cache_prefix: str, assets: tuple, kept: tuple, worker: str):
        self.cache_prefix = cache_prefix  # "uptake-visits-"
        self.page_assets = assets  # the page's own files, by name in the template's context
        self.kept = kept  # other static files the worker keeps (the site's CSS, icons)
        self.worker = worker  # the worker's template, under templates/
        self._version: str | None = None

    def _digest(self) -> str:
        h = hashlib.sha256()
        files = [finders.find(name) for name in self.page_assets + self.kept]
        files.append(settings.BASE_DIR / "templates" / self.worker)
        for found in files:
            if found and Path(found).exists():
                h.update(Path(found).read_bytes())
        return h.hexdigest()[:10]

    def version(self) -> str:
        """Changes whenever one of the files the worker keeps changes (recomputed in DEBUG)."""
        if self._version is None or settings.DEBUG:
            self._version = self._digest()
        return self._version

    def cache_name(self) -> str:
        """The service worker's cache: the page adds to it the files its header brings along."""
        return f"{self.cache_prefix}{self.version()}"

    def assets(self) -> dict[str, str]:
        """The page's files, by name ("visit_js"), as versioned URLs."""
        v = self.version()
        return {
            name.rsplit("/", 1)[1].replace(".", "_").replace("-", "_"): f"{static(name)}?v={v}"
            for name in self.page_assets
        }
