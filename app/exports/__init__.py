"""Files for other software: IATI 2.03 XML, iCalendar feeds, CSV for the finance office. They
read through the services and add no rule of their own."""
