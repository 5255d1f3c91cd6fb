"""How much of a file the loaders will read: every size, row and archive limit, each with its reason.

A file past a limit is refused with one line naming the file and the limit (:class:`loaders._errors.
UnreadableFile`), before it can hold the server's memory or disk: the app serves several people from one
machine, and an upload is the one thing a stranger controls.
"""

from __future__ import annotations

MB = 1024 * 1024

MAX_FILE_BYTES = 50 * MB
"""A file as uploaded or named on the command line. The same as ``maxUploadSize = 50`` in
.streamlit/config.toml (Streamlit counts its megabytes as 1024 × 1024 bytes), so ``bhatta check`` refuses
what the upload page cannot take; 50 MB is a register of a few hundred thousand records, far above a
district's kilns, schools or visits. A shapefile counts with its sidecars (.dbf, .shx...)."""

MAX_UNPACKED_BYTES = 500 * MB
"""All members of a zip (or of an .xlsx, itself a zip) once inflated. Ten times the file limit: text, dBASE
and sheet XML compress 3 to 10 times, so a genuine file stays well under it, while a zip bomb (zeros compress
a thousand times) is refused from its declared sizes before anything is inflated, and again while inflating
if the declared sizes lie."""

MAX_ZIP_MEMBERS = 1000
"""Files in a zip (or in an .xlsx). A zipped shapefile has eight parts at most and a workbook a few dozen;
thousands of members only cost time to list and check."""

MAX_ROWS = 500_000
"""Rows of a table (every record of a CSV, every row of a sheet, header and title rows included) or
features of a GIS file. Above all the schools of Pakistan (about 250,000) and fifty times the brick kilns
detected in Punjab and Sindh, while a raw table of this many rows stays under a few GB of memory. A CSV of
ten million one-character rows fits in 50 MB (and in a small zip): reading stops at the limit."""

MAX_COLUMNS = 1000
"""Columns of a table or attribute fields of a GIS file. A wide Kobo/ODK export with repeat groups has a
few hundred; a row of a million empty cells is a few MB of commas and would make a million columns."""

MAX_CELLS = 20_000_000
"""Rows × columns read. 500,000 rows of 40 columns (a full Kobo export of every visit of both provinces);
each cell costs a Python object, so this keeps one upload's table near 1–2 GB at worst even when the rows
and columns are each under their own limit."""

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS", "MAX_UNPACKED_BYTES", "MAX_ZIP_MEMBERS", "MB"]
