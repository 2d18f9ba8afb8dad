from __future__ import annotations

import pytest

from tests.e2e.harness import Servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """One real action server and one real Rasa server for the whole session."""
    running = Servers(workdir=tmp_path_factory.mktemp("servers")).start()
    yield running
    running.stop()
