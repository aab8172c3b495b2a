# Models of this app arrive with its issue; the app is installed so the layout is in place.
