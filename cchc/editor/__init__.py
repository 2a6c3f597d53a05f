"""For editors: the web editor's configuration and files, new content files, the local editing server."""
