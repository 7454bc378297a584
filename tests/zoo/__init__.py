"""A zoo of independent deployments of both vendor contracts, written without the stub's code.

Correct members differ from the stub only in ways the contracts allow; broken members each break one rule.
`tests/zoo/test_zoo.py` runs the contract suite against every member.
"""
