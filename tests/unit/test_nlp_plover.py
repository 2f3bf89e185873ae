"""CAMEO -> PLOVER types come from the data table derived from the PLOVER manual."""

import pytest

from pipelines.nlp.plover import plover_type


@pytest.mark.parametrize(
    "cameo, plover",
    [("010", None), ("020", "REQUEST"), ("036", "AGREE"), ("057", "SUPPORT"), ("080", "CONCEDE"),
     ("084", "RETREAT"), ("112", "ACCUSE"), ("138", "THREATEN"), ("173", "COERCE"), ("175", "ASSAULT"),
     ("190", "ASSAULT"), ("10", "REQUEST")],
)
def test_cameo_codes_map_to_plover_types(cameo, plover):
    assert plover_type(cameo) == plover
