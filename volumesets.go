package alletra

// VolumeSetsService manages volume sets (WSAPI /volumesets), the pools of LXD's driver.
type VolumeSetsService service
