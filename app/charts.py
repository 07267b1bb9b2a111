"""Line charts drawn on the server as SVG geometry (no chart script to vendor or run).

Each series gets its own dash pattern and marker shape as well as a colour, so the chart reads
without colour; the page also lists the figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT = 640, 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 16, 12, 34
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


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: tuple[Line, ...]
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]


def line_chart(series: dict[str, Sequence[tuple[datetime, float]]]) -> Chart | None:
    """Scores in [0, 1] over time. None when there is nothing to draw."""
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

    lines = []
    for index, (name, points) in enumerate(series.items()):
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
            )
        )
    y_ticks = tuple((y_of(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100))
    x_ticks: tuple[tuple[float, str], ...]
    if end == start:
        x_ticks = ((x_of(start), f"{start:%d %b}"),)
    else:
        x_ticks = tuple(
            (x_of(start + (end - start) * i / 3), f"{start + (end - start) * i / 3:%d %b}") for i in range(4)
        )
    return Chart(WIDTH, HEIGHT, tuple(lines), y_ticks, x_ticks)
