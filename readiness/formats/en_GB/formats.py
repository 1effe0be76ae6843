"""British English with a 24-hour clock: "1 Dec 2026, 13:21", never "1:21 p.m."."""

DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
