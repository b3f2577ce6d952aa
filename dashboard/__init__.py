"""Karabakh Conflict Atlas: an interactive, sourced map of the Nagorno-Karabakh conflict, 1994-2024."""

__version__ = "0.1.0"
