from rest_framework.renderers import JSONRenderer as _JSONRenderer


class JSONRenderer(_JSONRenderer):
    pass
