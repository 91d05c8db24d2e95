"""The two functions of the cloud, written once: processing a new original and searching by face
(Lambda, the library, the tests)."""
