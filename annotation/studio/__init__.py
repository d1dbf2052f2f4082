"""Label Studio for nk-defector-corpus: run the server (`server`), keep its
admin credentials (`credentials`), push the schema and tasks (`sync`) and pull
annotations (`pull`). `cli.app` is mounted as `nkcorpus studio`.

Nothing is imported here, so that importing the package stays cheap.
"""
