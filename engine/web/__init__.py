"""`fto serve`: the playground page and the JSON API.

`app` is the ASGI application (HTTP, safety limits, the page), `pool` runs the solver
processes it talks to, `worker` is what runs inside them, `bundled` lists the cases and
examples shipped in the package, and `levers` the facts a what-if can change. Nothing
here decides a legal question: requests go through the same functions as `fto ask` and
`fto whatif`.
"""
