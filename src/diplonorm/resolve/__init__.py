"""The resolver chain and its strategies, one module each."""

from diplonorm.resolve.chain import ORDER, ResolverChain
from diplonorm.resolve.query import Query, StrategyResult

__all__ = ["ORDER", "Query", "ResolverChain", "StrategyResult"]
