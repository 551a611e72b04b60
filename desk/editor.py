"""The body editor of the desk: what the rich-text editor offers writers."""

from django_prose_editor.widgets import AdminProseEditorWidget

BODY_EDITOR_CONFIG = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HardBreak": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    }
}


def body_widget():
    return AdminProseEditorWidget(config=BODY_EDITOR_CONFIG, preset="configurable")
