"""Classroom: lessons as data, challenges checked against a run, and a class board."""
