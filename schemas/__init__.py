"""Marshmallow schemas of every record type and API payload.

Schemas validate what comes in and describe what goes out; the OpenAPI
description at /api/v1/openapi.json is generated from them.
"""
