"""riskgraph: enterprise credit-risk classification over a company graph (SAMR 国市监信发〔2022〕6号)."""

__version__ = "0.1.0"
