"""Widgets shared by several pages: status badges, message banners, the scan field, the item-history view."""
