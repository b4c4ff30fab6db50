// Generated from the server's record-type declarations by `flask --app server write-vocabulary`.
// Do not edit: tests/unit/test_vocabulary.py fails when this file no longer matches them.

export const RECORD_TYPES = ["site", "area", "checkpoint", "company", "template", "inspection", "finding", "comment", "photo"];
export const STATUSES = {"inspection": ["draft", "submitted", "reviewed"], "finding": ["open", "assigned", "in_progress", "fixed", "closed", "cancelled"]};
export const INITIAL_STATUS = {"inspection": "draft", "finding": "open"};
export const CATEGORIES = ["cleaning", "greening", "fire", "decoration", "other"];
export const SEVERITIES = ["low", "medium", "high", "critical"];
export const AREA_KINDS = ["building", "floor", "unit", "zone", "room", "outdoor"];
export const ITEM_KINDS = ["pass_fail", "score", "number", "text", "choice", "photo"];
export const PHOTO_ROLES = ["evidence", "before", "after"];
export const CLOCK_TOLERANCE_MS = 120000;
