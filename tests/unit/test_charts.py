"""Server-drawn charts: geometry inside the frame, one style per line, long series thinned."""

from datetime import UTC, datetime, timedelta

from app.charts import HEIGHT, PAD_LEFT, PAD_RIGHT, WIDTH, line_chart
from app.services.progress import Point, thin

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_nothing_to_draw_gives_no_chart():
    assert line_chart({}) is None
    assert line_chart({"All categories": []}) is None


def test_points_fall_inside_the_frame_with_0_at_the_bottom_and_100_at_the_top():
    chart = line_chart({"All": [(T0, 0.0), (T0 + timedelta(days=1), 1.0)], "Search": [(T0, 0.5)]})
    low, high = chart.lines[0].markers
    assert low.y > high.y and low.x < high.x
    for line in chart.lines:
        for m in line.markers:
            assert 0 <= m.x <= WIDTH and 0 <= m.y <= HEIGHT
    assert chart.lines[0].markers[0].label == "All: 0% on 01 Jan 2026"
    assert len({(line.dash, line.marker) for line in chart.lines}) == 2


def test_a_series_without_points_draws_no_line_but_keeps_the_others_styles():
    chart = line_chart({"All": [(T0, 0.2), (T0 + timedelta(days=1), 0.4)], "Empty": [], "Search": [(T0, 0.5)]})
    assert [line.name for line in chart.lines] == ["All", "Search"]
    assert chart.lines[1].style == 2


def test_a_single_point_is_centred():
    [line] = line_chart({"All": [(T0, 0.4)]}).lines
    assert line.markers[0].x == (PAD_LEFT + WIDTH - PAD_RIGHT) / 2


def test_tick_labels_never_repeat_when_everything_happened_on_one_day():
    chart = line_chart({"All": [(T0 + timedelta(hours=9), 0.2), (T0 + timedelta(hours=15), 0.6)]})
    labels = [label for _, label in chart.x_ticks]
    assert labels == ["09:00", "11:00", "13:00", "15:00"]
    assert chart.x_caption == "01 Jan 2026, times in UTC"
    within_minutes = line_chart({"All": [(T0, 0.2), (T0 + timedelta(seconds=40), 0.6)]})
    assert [label for _, label in within_minutes.x_ticks] == ["00:00"]


def test_tick_labels_over_days_are_days_each_once():
    chart = line_chart({"All": [(T0, 0.2), (T0 + timedelta(days=2, hours=6), 0.6)]})
    labels = [label for _, label in chart.x_ticks]
    assert labels == sorted(set(labels), key=labels.index)
    assert labels[0] == "01 Jan" and labels[-1] == "03 Jan"
    assert chart.x_caption == ""


def test_the_overall_line_is_drawn_beneath_the_categories():
    chart = line_chart({"Search": [(T0, 0.5)], "All categories": [(T0, 0.5)]}, underlay="All categories")
    assert [(line.name, line.underlay) for line in chart.lines] == [("All categories", True), ("Search", False)]


def test_long_series_are_thinned_to_means_of_consecutive_attempts():
    points = [Point(T0 + timedelta(days=i), i / 119, i) for i in range(120)]
    thinned = thin(points, limit=60)
    assert len(thinned) == 60
    assert all(p.attempts == 2 and p.attempt_id is None for p in thinned)
    assert thinned[0].value == (0 + 1 / 119) / 2
    assert thin(points[:10]) == points[:10]
