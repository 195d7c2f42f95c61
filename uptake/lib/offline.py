"""What a page that works with no network shares: its files listed with a version made of their
contents (``?v=…``), so that its service worker keeps them until one of them changes, the
worker's cache named after that version, and the worker itself (one template for every such
page, ``templates/offline/sw.js``). The visit page (#4) and the offline daily form (#16) are
two such pages, each an ``OfflinePage``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static

WORKER = "offline/sw.js"  # the service worker's template, under templates/


class OfflinePage:
    def __init__(self, *, cache_prefix: str, assets: tuple, kept: tuple):
        self.cache_prefix = cache_prefix  # "uptake-visits-"
        self.page_assets = assets  # the page's own files, by name in the template's context
        self.kept = kept  # other static files the worker keeps (the site's CSS, icons)
        self._version: str | None = None

    def _digest(self) -> str:
        h = hashlib.sha256()
        files = [finders.find(name) for name in self.page_assets + self.kept]
        files.append(settings.BASE_DIR / "templates" / WORKER)
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

    def worker(self, page: str, keep: list[str]) -> str:
        """The service worker of the page at the URL ``page``, keeping the files at ``keep``
        (URLs): served from the page's folder, so that its scope is the page's."""
        return render_to_string(
            WORKER,
            {
                "version": self.version(),
                "cache": self.cache_name(),
                "prefix": self.cache_prefix,
                "page": page,
                "keep_json": json.dumps(keep),
                "static_prefix": static(""),
            },
        )
