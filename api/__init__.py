"""Typed async client for the Sinch Calling API v1. No Textual, no server code here."""

from api.client import SinchVoiceClient

__all__ = ["SinchVoiceClient"]
