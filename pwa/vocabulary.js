// Generated from the server's record-type declarations by `flask --app server write-vocabulary`.
// Do not edit: tests/unit/test_vocabulary.py fails when this file no longer matches them.

export const RECORD_TYPES = ["site", "area", "checkpoint", "company", "template", "inspection", "finding", "comment", "photo", "schedule", "round", "alert"];
export const STATUSES = {"inspection": ["draft", "submitted", "reviewed"], "finding": ["open", "assigned", "in_progress", "fixed", "closed", "cancelled"], "round": ["due", "done", "late", "missed", "cancelled"], "alert": ["unread", "read"]};
export const INITIAL_STATUS = {"inspection": "draft", "finding": "open", "round": "due", "alert": "unread"};
export const CATEGORIES = ["cleaning", "greening", "fire", "decoration", "other"];
export const SEVERITIES = ["low", "medium", "high", "critical"];
export const AREA_KINDS = ["building", "floor", "unit", "zone", "room", "outdoor"];
export const ITEM_KINDS = ["pass_fail", "score", "number", "text", "choice", "photo"];
export const PHOTO_ROLES = ["evidence", "before", "after"];
export const CLOCK_TOLERANCE_MS = 120000;
