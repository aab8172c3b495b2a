"""mentoring.settings for the tests' collectstatic only: the same storage (hashed names, manifest),
without pre-compressing every file (gzip + brotli of ~700 files takes ~40 s on the test machine).

WhiteNoise serves the uncompressed files in the same way; production runs collectstatic with the
real settings (docs/deploy.md), compression included.
"""

from mentoring.settings import *  # noqa: F403

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "css",
    "js",
    "mjs",
    "map",
    "svg",
    "ttf",
    "otf",
    "woff",
    "woff2",
    "eot",
    "txt",
    "md",
    "json",
    "html",
    "xml",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "webp",
    "pdf",
]
