"""--include-background and --min-confidence reach stream, extract and backfill, and EventwireOptions."""

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.options import EventwireOptions


@pytest.mark.parametrize("command", ["stream", "extract", "backfill"])
def test_every_annotating_command_takes_the_event_selection_options(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "--include-background" in result.output and "--min-confidence" in result.output


def test_options_default_to_no_background_and_no_confidence_floor():
    assert EventwireOptions([]).event_selection() == {"include_background": False, "min_confidence": 0.0}
    options = EventwireOptions(["--include-background", "--min-confidence", "0.3"])
    assert options.event_selection() == {"include_background": True, "min_confidence": 0.3}
