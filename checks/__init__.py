"""Quality gates over the built site (make verify): not part of the site itself."""
