"""Where an export's attachments are among the case's items: a path written in the export is
relative to the export's folder (Telegram, Discord) or to the root of its ZIP (Rocket.Chat),
and names an item of the same source. Only paths already checked safe come here."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from vigil.core.origin import display_path, top_level_hash
from vigil.records.cases.models import Item


class AttachmentLocator:
    def __init__(self, export_item: Item, *, export_is_archive: bool) -> None:
        self._source_id = export_item.source_id
        origin = [str(segment) for segment in export_item.origin]
        self._parent_id: int | None
        if export_is_archive:
            # Files are members of the export itself: children of its item.
            self._container, self._folder, self._parent_id = origin, "", export_item.pk
        else:
            self._container = origin[:-1]
            self._folder = posixpath.dirname(origin[-1])
            self._parent_id = export_item.parent_id

    def locate(self, paths: Iterable[str]) -> dict[str, int]:
        """Item id of each path found; paths not found are absent from the answer."""
        targets = {path: posixpath.normpath(posixpath.join(self._folder, path)) for path in paths}
        if not targets:
            return {}
        if self._parent_id is None:
            by_key = {top_level_hash(target): path for path, target in targets.items()}
            rows = Item.objects.filter(source_id=self._source_id, origin_hash__in=list(by_key))
            pairs = rows.values_list("origin_hash", "pk")
        else:
            by_key = {
                display_path([*self._container, target]): path for path, target in targets.items()
            }
            rows = Item.objects.filter(parent_id=self._parent_id, path__in=list(by_key))
            pairs = rows.values_list("path", "pk")
        return {by_key[key]: pk for key, pk in pairs}
