from django.http import FileResponse


def attachment(field_file, *, filename: str, content_type: str) -> FileResponse:
    """A private file, sent as a download: never rendered inline, never cached by others."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
