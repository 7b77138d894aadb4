"""Latent risk: the one hidden quantity from which every adverse event is drawn.

``risk = sigmoid(intercept + region + industry + kind + youth + small capital + principal + structures + noise)``,
a number in (0, 1) per firm. The *principal* term is one draw per person, shared by all
firms that person heads: firms of one owner share compliance habits, which is what makes
related-party information worth having at all. Hubs are never principals of the firms
they link, so they add nothing. Observed events in the base and delta files and the future
events kept as truth are all drawn from it, so a scorer can only learn it through the
events and the relationships. Structure effects come from ``structures``; hubs add none.
"""

from __future__ import annotations

import numpy as np

from riskgraph.synth.geography import Geography
from riskgraph.synth.population import ENTERPRISE, SECTION_LETTERS, FirmFrame
from riskgraph.synth.profile import KINDS, Profile
from riskgraph.synth.timeline import Timeline, day


def latent_risk(frame: FirmFrame, structure_effect: np.ndarray, principal: np.ndarray, geo: Geography,
                timeline: Timeline, profile: Profile, rng: np.random.Generator) -> np.ndarray:
    """Latent risk in (0, 1) per firm; ``principal`` is the person heading each firm (-1 none)."""
    spec = profile.risk
    kind_effect = np.array([spec.kind[k] for k in KINDS])[frame.kind]
    section_effect = np.array([spec.section.get(s, 0.0) for s in SECTION_LETTERS])[frame.section]
    age_years = np.maximum(0, day(timeline.as_of) - frame.established) / 365.25
    youth = spec.young_firm * np.exp(-age_years / spec.young_firm_decay_years)
    small = np.zeros(frame.size)
    ent = (frame.kind == ENTERPRISE) & ~np.isnan(frame.capital)
    median = profile.population.capital["enterprise"].median
    small[ent] = spec.small_capital * np.maximum(0.0, np.log10(median) - np.log10(frame.capital[ent]))
    noise = rng.normal(0.0, spec.firm_sd, frame.size)
    person_effect = rng.normal(0.0, spec.principal_sd, int(principal.max()) + 1 if len(principal) else 0)
    owner = np.where(principal >= 0, person_effect[np.maximum(principal, 0)], 0.0)
    logit = (spec.intercept + geo.county_effect[frame.county] + kind_effect + section_effect + youth + small
             + owner + structure_effect + noise)
    return 1.0 / (1.0 + np.exp(-logit))
