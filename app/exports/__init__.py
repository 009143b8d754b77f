"""Files for other software: IATI 2.03 XML, iCalendar feeds. They read through the services and
add no rule of their own."""
