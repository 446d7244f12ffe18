"""The public gallery of projects made at the centre, kept by staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from saram.core.access import Can
from saram.making.models import GalleryProject
from saram.making.services._common import require

GALLERY_FIELDS = (
    "title",
    "maker_name",
    "description",
    "licence",
    "machine",
    "made_on",
    "is_published",
)


def add_project(*, by: Any, values: dict[str, Any], photo: Any = None) -> GalleryProject:
    """Staff add a project (its photo already checked to be an image)."""
    require(by, Can.MANAGE_MAKING)
    project = GalleryProject(**{k: values[k] for k in GALLERY_FIELDS if k in values})
    if photo:
        project.photo = photo
    project.save()
    return project


def update_project(
    *, by: Any, project: GalleryProject, values: dict[str, Any], photo: Any = None
) -> GalleryProject:
    """Staff change a project; a new photo replaces the old file, `photo=False` removes it."""
    require(by, Can.MANAGE_MAKING)
    old = project.photo.name if project.photo else ""
    for name in GALLERY_FIELDS:
        if name in values:
            setattr(project, name, values[name])
    if photo is False:
        project.photo = ""
    elif photo:
        project.photo = photo
    project.save()
    if old and old != (project.photo.name if project.photo else ""):
        storage = project.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return project


def remove_project(*, by: Any, project: GalleryProject) -> None:
    """Staff take a project out of the gallery for good, its photo file with it."""
    require(by, Can.MANAGE_MAKING)
    name = project.photo.name if project.photo else ""
    storage = project.photo.storage
    project.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
