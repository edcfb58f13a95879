"""Looking inside a model: functions from a model and inputs to detached CPU arrays."""
