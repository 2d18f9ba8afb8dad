"""Role-play scenarios for trainers: a library of fictional cases (scenarios/*.yml),
a strict loader, a debrief that scores a played case against the model outcome,
and a runner that plays each scenario through the real servers."""

from bot.training.scenarios import Scenario, ScenarioError, load_scenarios

__all__ = ["Scenario", "ScenarioError", "load_scenarios"]
