"""A stand-in for the constructs library (and aws-cdk-lib), for tests/cdk_python_import.rs when the real
one is not installed: any name is a class that accepts any arguments, so a
generated module can be imported (its import lines, class and dataclass
definitions run) without CDK. It proves the module's name and the import line
of its docstring, not its CDK behaviour (the conformance tier synthesises)."""


class _Meta(type):
    def __getattr__(cls, name):
        return _Stub

    def __getitem__(cls, item):
        return _Stub

    def __or__(cls, other):
        return _Stub

    def __ror__(cls, other):
        return _Stub


class _Stub(metaclass=_Meta):
    def __init__(self, *args, **kwargs):
        pass


def __getattr__(name):
    return _Stub
