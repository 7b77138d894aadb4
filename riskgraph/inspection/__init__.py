"""Double-random, one public (双随机、一公开) inspection plans: the pure core.

Per-class sampling ratios from a versioned file (``plan.yaml``, :mod:`.config`), tasks and
inspector pools (:mod:`.task`), the verifiable stratified draw with its seed commitment
(:mod:`.draw`), the inspectors drawn for each firm (:mod:`.inspectors`), the plan document
(:mod:`.planning`) and the evaluation of a plan's hit rates (:mod:`.evaluation`).

No database, no service, no files of the interchange format: the jobs layer
(``riskgraph.jobs.plans``) reads the graph and stores plans.
"""
