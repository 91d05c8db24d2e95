"""The application layer: what a curator can do -- browse, search by face, publish, keep
credentials -- as plain Python that the window (``ui/``) and the command line (``cli/``)
both call, so that each decision is made once. Typed values in and out; no Qt, no wire
payloads. A new user action is one function here plus its thin wiring in both."""
