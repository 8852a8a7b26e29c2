"""Tests of the SPC engine (app.spc) and its CLI against published textbook and qcc values."""
