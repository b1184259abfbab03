"""Cover images of titles: upload (CATALOG_EDIT) and serve (any staff) at /staff/covers/...

The files live outside the database (ILS_MEDIA_DIR/covers/<material_id>.jpg); an upload records the file
in materials.cover_image through lib_catalog.set_cover, which is what the title page, the desk, the catalog
lists and the API's cover URLs go by (services/covers.py).
"""
from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, Response

from admin_ui import covers, web
from datalayer.packages import lib_catalog
from services import covers as cover_files


def _material(ctx: web.Ctx, material_id: int) -> dict | None:
    with ctx.read() as s:
        return s.one("SELECT material_id, title, isbn FROM materials WHERE material_id = :m", {"m": material_id})


def _page(ctx: web.Ctx, material: dict, *, error: str | None = None, done: str | None = None, status: int = 200) -> Response:
    full, _ = covers.paths(ctx.request.app.state.ui_settings.media_dir, material["material_id"])
    return ctx.render("covers.html", http_status=status, title="Cover image", material=material, has_cover=full.exists(),
                      error=error, done=done, max_kb=ctx.request.app.state.ui_settings.cover_max_bytes // 1024)


@web.page("/covers/{material_id:int}", "CATALOG_EDIT")
def cover_form(ctx: web.Ctx) -> Response:
    """The current cover and the upload form."""
    material = _material(ctx, ctx.request.path_params["material_id"])
    if material is None:
        return web.error_page(ctx.request, 404, "No such title", "There is no such title.", ctx.user)
    return _page(ctx, material)


@web.page("/covers/{material_id:int}", "CATALOG_EDIT", methods=["POST"], name="upload_cover")
def upload_cover(ctx: web.Ctx) -> Response:
    """Validate, clean and store an uploaded cover and its thumbnail."""
    material = _material(ctx, ctx.request.path_params["material_id"])
    if material is None:
        return web.error_page(ctx.request, 404, "No such title", "There is no such title.", ctx.user)
    upload = ctx.form.get("cover") if ctx.form is not None else None
    if not isinstance(upload, UploadFile):
        return _page(ctx, material, error="Choose an image file to upload.", status=422)
    settings = ctx.request.app.state.ui_settings
    data = upload.file.read(settings.cover_max_bytes + 1)
    try:
        cover, thumb, (w, h) = covers.process(data, max_bytes=settings.cover_max_bytes,
                                               max_pixels=settings.cover_max_pixels)
    except covers.CoverRejected as exc:
        return _page(ctx, material, error=str(exc), status=422)
    except covers.CoversBusy as exc:  # 503: the page wrapper adds Retry-After
        return _page(ctx, material, error=str(exc), status=503)
    covers.store(settings.media_dir, material["material_id"], cover, thumb)
    ctx.run(lib_catalog.set_cover, material["material_id"], cover_files.file_name(material["material_id"]))
    return _page(ctx, material, done=f"Cover saved ({w} × {h} pixels, metadata removed).")


@web.page("/covers/{material_id:int}/image", name="cover_image")
def cover_image(ctx: web.Ctx) -> Response:
    """The cover (?size=thumb for the thumbnail)."""
    full, small = covers.paths(ctx.request.app.state.ui_settings.media_dir, ctx.request.path_params["material_id"])
    path = small if ctx.arg("size") == "thumb" else full
    if not path.exists():
        return Response(status_code=404)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})
