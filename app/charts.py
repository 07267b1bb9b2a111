"""Line charts drawn on the server as SVG geometry (no chart script to vendor or run).

Each series gets its own dash pattern and marker shape as well as a colour, so the chart reads
without colour; the page also lists the figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH, HEIGHT = 640, 260
# Room for labels at the larger size a phone's stylesheet gives them (the chart is drawn at about
# half its width there).
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 66, 24, 24, 40
Y_LABEL_X = PAD_LEFT - 8
X_TICKS = 4
DAY_LABELS_FROM = timedelta(days=2)  # a shorter span is labelled by the hour
DASHES = ("", "6 4", "2 3", "10 4 2 4", "1 5", "8 3 3 3")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle-open")


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Line:
    name: str
    points: str  # the SVG polyline's "x,y x,y" list
    markers: tuple[Marker, ...]
    dash: str
    marker: str
    style: int  # index for the colour class
    underlay: bool = False  # drawn first, wide and pale, so lines on top of it stay visible


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: tuple[Line, ...]
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    x_caption: str = ""  # the day(s) when the ticks are hours
    y_label_x: int = Y_LABEL_X
    left: int = PAD_LEFT
    right: int = WIDTH - PAD_RIGHT


def line_chart(series: dict[str, Sequence[tuple[datetime, float]]], *, underlay: str | None = None) -> Chart | None:
    """Scores in [0, 1] over time. None when there is nothing to draw. The series named
    `underlay` (the overall line) is drawn beneath the others."""
    times = [t for points in series.values() for t, _ in points]
    if not times:
        return None
    start, end = min(times), max(times)
    span = (end - start).total_seconds() or 1.0
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x_of(t: datetime) -> float:
        if end == start:
            return PAD_LEFT + plot_w / 2
        return round(PAD_LEFT + plot_w * (t - start).total_seconds() / span, 1)

    def y_of(v: float) -> float:
        return round(PAD_TOP + plot_h * (1 - max(0.0, min(1.0, v))), 1)

    ordered = sorted(series.items(), key=lambda item: item[0] != underlay)
    lines = []
    for index, (name, points) in enumerate(ordered):
        if not points:
            continue
        markers = tuple(Marker(x_of(t), y_of(v), f"{name}: {round(v * 100)}% on {t:%d %b %Y}") for t, v in points)
        lines.append(
            Line(
                name=name,
                points=" ".join(f"{m.x},{m.y}" for m in markers),
                markers=markers,
                dash=DASHES[index % len(DASHES)],
                marker=MARKERS[index % len(MARKERS)],
                style=index % 6,
                underlay=name == underlay,
            )
        )
    y_ticks = tuple((y_of(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100))
    x_ticks, x_caption = _time_ticks(start, end, x_of)
    return Chart(WIDTH, HEIGHT, tuple(lines), y_ticks, x_ticks, x_caption)


def _time_ticks(start: datetime, end: datetime, x_of) -> tuple[tuple[tuple[float, str], ...], str]:
    """Ticks with distinct labels: days over a long span, hours (and the day below) over a short one."""
    if end == start:
        return ((x_of(start), f"{start:%d %b}"),), ""
    span = end - start
    by_day = span >= DAY_LABELS_FROM
    ticks: list[tuple[float, str]] = []
    for i in range(X_TICKS):
        at = start + span * i / (X_TICKS - 1)
        label = f"{at:%d %b}" if by_day else f"{at:%H:%M}"
        if not ticks or ticks[-1][1] != label:
            ticks.append((x_of(at), label))
    if by_day:
        return tuple(ticks), ""
    days = f"{start:%d %b %Y}" if start.date() == end.date() else f"{start:%d %b} – {end:%d %b %Y}"
    return tuple(ticks), f"{days}, times in UTC"
