"""Libraries: tools facilitators curate and ideas teams submit, their files, versions, collections and adoptions."""
