"""Numbers and tables as text: significant digits, Markdown tables, CSV.

Every cell of every table goes through here, so that the same number is written
the same way everywhere, and the output depends on nothing but the values (no
locale, no clock): the same JSON gives byte-identical files.
"""

import csv
import io
import math

from bench.report.common import DASH

# No Markdown table of the report is wider than this: a wider one is split in two
# or more, each repeating the columns that name its rows (``md_tables``).
MAX_COLUMNS = 10


def fmt_sig(x, digits=3):
    """``x`` to ``digits`` significant digits, no exponent: 1.48, 16.6, 1,234."""
    if x == 0:
        return "0"
    x = float(f"{x:.{digits - 1}e}")
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


def fmt_count(x):
    """A count (n, or n * d): a whole number to 3 significant digits, 1,720."""
    if abs(x) < 1:
        return fmt_sig(x, 2)
    return f"{round(float(f'{x:.2e}')):,}"


def case_label(key):
    """``"numba 1,000 x 10 float64"`` for the key ``(impl, dtype, n, d)``."""
    impl, dtype, n, d = key
    return f"{impl} {n:,} x {d:,} {dtype}"


def case_list(title, keys):
    """``"Title (2): numba 10 x 1 float64, numpy 10 x 1 float64."``: cases named
    in a sentence, with their count."""
    return f"{title} ({len(keys)}): " + ", ".join(map(case_label, keys)) + "."


def fmt_cell(value, kind):
    """One Markdown cell; None (not measured) is an em dash."""
    if value is None:
        return DASH
    if kind == "int":
        return f"{value:,}"
    if kind == "share":
        return f"{fmt_sig(100 * value, 2)} %"
    return fmt_sig(value, 3)


def fmt_csv(value):
    """One CSV cell: integers exact, floats to 6 significant digits, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool | str):
        return str(value).lower() if isinstance(value, bool) else value
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"


def md_table(headers, rows, align):
    """A Markdown table with padded columns.

    Parameters
    ----------
    headers : list of str
    rows : list of list of str
    align : str
        One letter per column, ``l`` or ``r``.

    Raises
    ------
    ValueError
        More than ``MAX_COLUMNS`` columns: use ``md_tables``.
    """
    if len(headers) > MAX_COLUMNS:
        raise ValueError(
            f"a table of {len(headers)} columns (at most {MAX_COLUMNS}): {headers}"
        )
    rows = [[c.replace("|", "\\|") for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells):
        padded = [
            c.rjust(w) if a == "r" else c.ljust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if a == "r" else "-" * (w + 2)
        for w, a in zip(widths, align, strict=True)
    )
    return "\n".join([line(headers), rule + "|", *(line(r) for r in rows)])


def chunks(count, room):
    """``range(count)`` cut into the fewest runs of at most ``room``, as even as
    possible (the longer ones first): a list of ranges, none when ``count`` is 0."""
    parts = -(-count // max(room, 1))
    out, start = [], 0
    for k in range(parts):
        size = count // parts + (k < count % parts)
        out.append(range(start, start + size))
        start += size
    return out


def md_tables(headers, rows, align, keys=1):
    """Markdown tables of at most ``MAX_COLUMNS`` columns for one wide table.

    The first ``keys`` columns name the rows and start every table; the others are
    shared out among as few tables as fit, in order.

    Parameters
    ----------
    headers, rows, align
        As for ``md_table``.
    keys : int
        How many leading columns every table repeats.

    Returns
    -------
    list of str
        One table when it fits; none when there is no column beyond the keys.
    """
    tables = []
    for part in chunks(len(headers) - keys, MAX_COLUMNS - keys):
        picked = [*range(keys), *(keys + i for i in part)]
        tables.append(
            md_table(
                [headers[i] for i in picked],
                [[row[i] for i in picked] for row in rows],
                "".join(align[i] for i in picked),
            )
        )
    return tables


def to_csv(headers, rows):
    """CSV text with ``\\n`` line ends; cells formatted by ``fmt_csv``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([fmt_csv(v) for v in row] for row in rows)
    return buf.getvalue()


def heading(level, text):
    """A Markdown heading of ``level`` (1 = ``#``)."""
    return f"{'#' * level} {text}"
