"""Chart geometry for the dashboard's SVG: round axis tops, bars in proportion, in the box."""
import pytest

from shop.rules.charts import column_chart, nice_ceiling, row_chart


@pytest.mark.parametrize("value, top", [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (4_999, 5_000),
                                        (50_001, 100_000)])
def test_the_axis_top_is_a_round_number_at_or_above_the_largest_value(value, top):
    assert nice_ceiling(value) == top


def test_columns_are_in_proportion_and_stand_on_the_axis():
    chart = column_chart([("1", 5_000), ("2", 2_500), ("3", 0)], width=300, height=122)
    full, half, zero = chart.bars
    assert chart.top == 5_000
    assert full.height == 2 * half.height and zero.height == 0
    assert all(bar.y + bar.height == chart.plot_bottom for bar in chart.bars)
    assert all(0 <= bar.x and bar.x + bar.width <= 300 for bar in chart.bars)
    assert [tick.value for tick in chart.ticks] == [0, 1_250, 2_500, 3_750, 5_000]


def test_rows_run_from_the_label_column_and_the_longest_fills_the_room():
    chart = row_chart([("Paid", 8), ("Shipped", 2)], width=460, row_height=20)
    paid, shipped = chart.bars
    assert paid.x == shipped.x == chart.plot_left
    assert paid.width == 4 * shipped.width and paid.x + paid.width <= 460
    assert chart.height == 40 and shipped.y > paid.y


def test_an_empty_chart_draws_nothing_and_says_so():
    assert column_chart([("1", 0), ("2", 0)]).empty
    assert row_chart([]).bars == ()


@pytest.mark.parametrize("bad", [-1, 2.5, True, None])
def test_values_must_be_whole_and_not_negative(bad):
    with pytest.raises(ValueError):
        column_chart([("x", bad)])
