package alletra

// PortsService reads the array's ports and the target addresses hosts connect to (WSAPI /ports).
type PortsService service
