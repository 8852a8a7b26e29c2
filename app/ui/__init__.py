"""The Qt face of Threadline: windows, pages, dialogs, item models. The only package that imports PySide6."""
